"""Text analysis shared by indexing and querying: normalisation and amounts.

One place for each: `normalize.py` folds full/half width and punctuation, `amounts.py`
parses every number and money amount the product reads or is typed.
"""
