"""The one error type the vocabulary package raises."""


class VocabularyError(ValueError):
    """A vocabulary file is malformed, or a code or term is not in the vocabulary."""
