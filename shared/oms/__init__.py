"""The OMS domain library: models, rules and the store, shared by every function."""
