"""Tests of the customer load: pacing, outcomes, the sample stream and the runner process."""
