"""Customer load: Locust journeys, the child-process runner and the record format."""
