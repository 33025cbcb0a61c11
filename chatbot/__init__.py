"""The customer chat assistant: a Rasa project, its rasa-sdk actions, and a built-in NLU and
dialogue that run the same actions inside a Lambda."""
