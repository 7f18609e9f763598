"""The team workspace: saved proofs of concept, their links and their review marks."""
