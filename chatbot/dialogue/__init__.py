"""The built-in dialogue: Rasa's REST channel, rules and forms, run in-process over the same
rasa-sdk actions a Rasa assistant calls."""
