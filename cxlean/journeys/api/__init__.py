"""Customer journeys and the Voice of the Customer over the API."""
