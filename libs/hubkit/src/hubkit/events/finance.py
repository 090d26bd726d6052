"""Events produced by the finance service (topic hub.finance); defined as its issue lands."""
