"""The Flask web front end (issue 3/6): faceted search, document/table/form views, exports
and the JSON API, reading through the index contract. Not built yet."""
