"""The safety-walk domain and its use cases: areas, walks, observations, measures, the CLI."""
