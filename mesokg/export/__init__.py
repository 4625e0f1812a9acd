"""Release files and exports that other tools take as they are (issue 13).

- :mod:`.release`: reproducible release files (canonical blank nodes, sorted output, OWL headers);
- :mod:`.jsonld`: compact JSON-LD with a real ``@context``;
- :mod:`.owlcheck`: OWL 2 DL profile check with the OWL API that owlready2 ships;
- :mod:`.kgx`: KGX TSV / JSON Lines export with Biolink categories and predicates.
"""
