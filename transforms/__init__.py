"""Pure transforms: parsing, NLP extraction and the table schemas. Never imports Prefect."""
