"""We said, we did: the panel's dated updates on funded projects, shown to everyone."""
