"""One training run: its settings, its plain state, a step (whole or phase by phase), its
timeline of snapshots and the custom points a learner adds or uploads."""
