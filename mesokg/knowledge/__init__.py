"""Knowledge: curated Turtle in, a checked and reasoned graph out.

- :mod:`.assemble`: reads the ontology, seeds and mappings into quads (named graphs apart).
- :mod:`.reason`: HermiT consistency and classification; :mod:`.diagnose` names culprits.
- :mod:`.validate`: SHACL against ``ontology/shapes.ttl``; :mod:`.checks`: the SPARQL curation checks.
- :mod:`.quickcheck`: a fast pass over the seeds for curators.
- :mod:`.dataset`: the built dataset (curated + inferred), cached by the inputs' hash.
- :mod:`.build`: load, reason and validate, then write the release files.
"""
