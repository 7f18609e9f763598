"""Words: numbers and sentences in the demo's nouns, the glossary, and safe text."""
