"""The community asset register: places and offers residents and groups can use."""
