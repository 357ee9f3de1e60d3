"""The fast paths give what the plain ones do: column gathers, query embedding, threaded part scoring."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from oncobridge.matching.engine.embedding import MiniLMEmbedder
from oncobridge.matching.engine.entities import Entity
from oncobridge.matching.engine.index import MatchIndex
from oncobridge.matching.engine.sparse import SparseRows
from oncobridge.matching.engine.weights import PARTS


def test_gathering_columns_reads_what_scipy_slicing_reads() -> None:
    rng = np.random.default_rng(3)
    store = SparseRows()
    for slot in range(300):
        names = {f"t{int(n)}" for n in rng.integers(0, 40, size=int(rng.integers(0, 8)))}
        store.set_row(slot, {name: float(rng.integers(1, 5)) for name in names})
    store.compact(300)
    store.clear_row(7)  # a stale row must not be read
    store.set_row(8, {"t1": 9.0, "new": 2.0})  # nor a superseded one; its pending copy must
    columns = store.column_numbers(["t1", "t5", "t39", "new", "missing"])

    rows, positions, values = store.gather(columns)

    matrix: sp.csc_matrix = store._base  # the same matrix, read through scipy
    expected = set()
    for position, column in enumerate(columns):
        if column < matrix.shape[1]:
            block = matrix[:, [column]].tocoo()
            expected |= {
                (int(r), position, float(v))
                for r, v in zip(block.row, block.data, strict=True)
                if r not in (7, 8)
            }
    expected |= {(8, 0, 9.0), (8, 3, 2.0)}
    assert set(zip(rows.tolist(), positions.tolist(), values.tolist(), strict=True)) == expected


def test_a_query_is_embedded_as_a_document_is(embedder: MiniLMEmbedder) -> None:
    single = "EGFR mutant lung adenocarcinoma organoids"
    several = "Osimertinib resistance in lung cancer.\n\nA biobank of pancreatic tumour organoids."

    for text in (single, several):
        np.testing.assert_allclose(embedder.embed_query(text), embedder.embed([text])[0], atol=1e-5)


def test_part_scores_are_the_same_with_the_query_embedded_alongside(embedder: MiniLMEmbedder) -> None:
    index = MatchIndex.build(
        [
            Entity(id="a", text="lung cancer organoids", offers=("patient_derived_models",)),
            Entity(id="b", text="breast cancer screening cohort", seeks=("funding",)),
        ],
        embedder=embedder,
    )
    query = Entity(id="q", text="lung organoid models", seeks=("patient_derived_models",))

    threaded = index.part_scores(query)
    given = index.part_scores(query, query_vector=embedder.embed([query.full_text])[0])

    assert list(threaded) == list(PARTS)
    for part in PARTS:
        np.testing.assert_allclose(threaded[part], given[part], atol=1e-5)
