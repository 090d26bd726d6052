"""Events produced by the contracts service (topic hub.contracts); defined as its issue lands."""
