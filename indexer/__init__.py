"""The indexer: files → located blocks → document model → (later) index records.

Data flows one way:
    readers/   turn a file (PDF, text extraction) into located blocks
    parsers/   turn blocks into the document model (model.py)
    cli.py     the `disclosure` console command
"""
