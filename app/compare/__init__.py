"""Classical models (scikit-learn) fitted on a run's points, for the Compare view."""
