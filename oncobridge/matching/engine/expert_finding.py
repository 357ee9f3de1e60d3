"""The real evaluation: expert finding on NCI's dbGaP studies (portfolio/dbgap_studies.tsv).

For every investigator (PI_name, split on ";" and normalised) with two or more studies, one study is held out
as a query: their most recent one (highest phs accession) among those whose removal leaves them a profile. A
study held out for one investigator is held out for all of its PIs, so no profile contains a query's own text,
and the query's answers are all of its PIs that still have a profile. Each investigator's profile (a corpus
entity) is built from the studies not held out; investigators with one study are distractors built from it.

    python -m oncobridge.matching.engine.expert_finding [--write DIR] [--report]

--write writes corpus.jsonl and queries.jsonl for match-eval; --report tunes the hybrid weights on the
training half of the queries (a fixed hash split) and prints every method on the held-out half, plus each part
switched off in turn. Needs ONCOBRIDGE_DATA_DIR (or --data-dir); ONCOBRIDGE_CACHE_DIR keeps embeddings.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from oncobridge.matching.engine.entities import Entity, capabilities_in_text
from oncobridge.matching.engine.evaluation import (
    METHODS,
    EvalQuery,
    default_embedder,
    score_queries,
    training_split,
    tune_weights,
    write_jsonl,
)
from oncobridge.matching.engine.ontology import ONCOTREE_FILE, ontology_from_data_dir
from oncobridge.matching.engine.weights import DEFAULT_WEIGHTS, PARTS, Weights
from oncobridge.vocab.oncotree import OncoTree, load_oncotree

STUDIES_FILE = "portfolio/dbgap_studies.tsv"

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "md", "phd", "mph", "scd", "mbbs", "ms", "mmsc", "dds"})


def normalise_name(raw: str) -> str:
    """A key under which one person's spellings meet: "Steven A. Rosenberg" and "Steven A Rosenberg, MD" give
    "s rosenberg", "Christopher Haiman, ScD" and "Chris Haiman" give "c haiman" (first initial, surname)."""
    name = raw.split(",")[0]
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    name = re.sub(r"\([^)]*\)", " ", name)  # nicknames: "Eun-sil (Shelley) Hwang"
    words = [
        word for word in re.findall(r"[a-z][a-z'\-]*", name.lower()) if word.strip("'-") not in _SUFFIXES
    ]
    words = [word for word in words if len(word.strip(".")) > 1] or words
    if not words:
        return ""
    if len(words) == 1:
        return str(words[0])
    return f"{words[0][0]} {words[-1]}"


def investigators(raw: str) -> list[str]:
    """Normalised investigator keys named in one PI_name cell, in order, without repeats."""
    keys = (normalise_name(part) for part in raw.split(";"))
    return list(dict.fromkeys(key for key in keys if key))


@dataclass(frozen=True, slots=True)
class Study:
    accession: str
    title: str
    description: str
    disease: str
    genes: tuple[str, ...]
    investigators: tuple[str, ...]

    @property
    def text(self) -> str:
        return f"{self.title}. {self.description}"


def clean_html(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text))).strip()


def read_studies(path: Path) -> list[Study]:
    csv.field_size_limit(1 << 30)
    studies = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            people = investigators(row.get("PI_name") or "")
            if not people:
                continue
            studies.append(
                Study(
                    accession=(row.get("dataset_source_id") or row["dataset_uuid"]).strip(),
                    title=clean_html(row.get("dataset_title") or ""),
                    description=clean_html(row.get("description") or ""),
                    disease=(row.get("primary_disease") or "").strip(),
                    genes=tuple(
                        dict.fromkeys(
                            g.strip().upper()
                            for g in (row.get("related_genes") or "").split(";")
                            if g.strip()
                        )
                    ),
                    investigators=tuple(people),
                )
            )
    return studies


def _cancer_types(studies: Sequence[Study], tree: OncoTree) -> tuple[str, ...]:
    codes: list[str] = []
    for study in studies:
        codes.extend(tree.codes_in_text(f"{study.disease}. {study.title}"))
    return tuple(dict.fromkeys(codes))


def _entity(entity_id: str, kind: str, studies: Sequence[Study], tree: OncoTree) -> Entity:
    # Passages separated by a blank line: the embedder averages one vector per study.
    text = "\n\n".join(study.text for study in studies)
    return Entity(
        id=entity_id,
        kind=kind,
        title=studies[0].title if len(studies) == 1 else "",
        text=text,
        cancer_types=_cancer_types(studies, tree),
        genes=tuple(dict.fromkeys(gene for study in studies for gene in study.genes)),
        # Every dbGaP study offers data; other capabilities only where its text names them.
        offers=tuple(dict.fromkeys(("data", *capabilities_in_text(text)))),
    )


def build_expert_finding(studies: Sequence[Study], tree: OncoTree) -> tuple[list[Entity], list[EvalQuery]]:
    """Investigator profiles (the corpus) and held-out studies with the investigators they belong to."""
    by_person: dict[str, list[Study]] = {}
    by_accession: dict[str, Study] = {}
    for study in studies:
        if study.accession in by_accession:
            continue
        by_accession[study.accession] = study
        for person in study.investigators:
            by_person.setdefault(person, []).append(study)
    held_out: set[str] = set()
    for person in sorted(by_person):
        own = {study.accession for study in by_person[person]}
        if len(own) < 2 or own & held_out:
            continue
        for accession in sorted(own, reverse=True):
            if own - held_out - {accession}:
                held_out.add(accession)
                break
    corpus = []
    for person in sorted(by_person):
        kept = [study for study in by_person[person] if study.accession not in held_out]
        if kept:
            corpus.append(_entity(f"investigator:{person}", "investigator", kept, tree))
    in_corpus = {entity.id for entity in corpus}
    queries = []
    for accession in sorted(held_out):
        study = by_accession[accession]
        relevant = frozenset(f"investigator:{person}" for person in study.investigators) & in_corpus
        if relevant:
            queries.append(
                EvalQuery(entity=_entity(f"study:{accession}", "asset", [study], tree), relevant=relevant)
            )
    return corpus, queries


def load_expert_finding(data_dir: Path) -> tuple[list[Entity], list[EvalQuery]]:
    return build_expert_finding(
        read_studies(data_dir / STUDIES_FILE), load_oncotree(data_dir / ONCOTREE_FILE)
    )


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {name: round(value, 4) for name, value in values.items()}


def report(data_dir: Path, k: int = 10) -> dict[str, object]:
    """Tune on the training half, then every method and every ablation on the held-out half."""
    corpus, queries = load_expert_finding(data_dir)
    scored = score_queries(
        corpus, queries, parts=PARTS, embedder=default_embedder(), ontology=ontology_from_data_dir(data_dir)
    )
    training, held_out = training_split(queries)
    tuned, training_metrics = tune_weights(scored, training, k=k)
    methods = {**METHODS, "hybrid": tuned, "hybrid (DEFAULT_WEIGHTS)": DEFAULT_WEIGHTS}
    return {
        "corpus": len(corpus),
        "n_queries": {"all": len(queries), "training": len(training), "held_out": len(held_out)},
        "tuned_weights": tuned.as_dict(),
        "training": _rounded(training_metrics),
        "held_out": {
            name: _rounded(scored.evaluate(weights, k, held_out)) for name, weights in methods.items()
        },
        "all_queries": {name: _rounded(scored.evaluate(weights, k)) for name, weights in methods.items()},
        "ablation_held_out": {
            f"hybrid without {part}": _rounded(scored.evaluate(tuned.without(part), k, held_out))
            for part in tuned.active()
        },
        "single_parts_held_out": {
            part: _rounded(scored.evaluate(Weights.only(part), k, held_out)) for part in PARTS
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data-dir", type=Path, default=os.environ.get("ONCOBRIDGE_DATA_DIR"))
    parser.add_argument("--write", type=Path, help="directory for corpus.jsonl and queries.jsonl")
    parser.add_argument(
        "--report", action="store_true", help="tune on the training half, report the held-out half"
    )
    arguments = parser.parse_args(argv)
    if arguments.data_dir is None:
        print("expert_finding: set ONCOBRIDGE_DATA_DIR or pass --data-dir", file=sys.stderr)
        return 2
    data_dir = Path(arguments.data_dir)
    if arguments.write is not None:
        corpus, queries = load_expert_finding(data_dir)
        arguments.write.mkdir(parents=True, exist_ok=True)
        write_jsonl(arguments.write / "corpus.jsonl", [entity.to_json() for entity in corpus])
        write_jsonl(
            arguments.write / "queries.jsonl",
            [{**query.entity.to_json(), "relevant": sorted(query.relevant)} for query in queries],
        )
        print(f"wrote {len(corpus)} corpus entities and {len(queries)} queries to {arguments.write}")
    if arguments.report:
        print(json.dumps(report(data_dir), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
