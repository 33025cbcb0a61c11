"""The rasa-sdk actions of the assistant. `python -m rasa_sdk --actions chatbot.actions` serves
them to a Rasa assistant; the built-in dialogue runs the same ones in-process."""
