"""Pure, streaming, validating readers and writers for the data formats OncoBridge imports and exports.

No Django here: readers take paths and plain options and return Arrow tables and dataclasses, so an import
service, the CLI, a notebook or a federation node can use them alike. Every reader collects all the problems
it finds and raises one FormatError at the end (see problems.py).
"""
