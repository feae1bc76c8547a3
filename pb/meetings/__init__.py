"""In-person sessions of a pot at community hubs: drop-ins to propose, paper voting, the
results meeting. Above pots, below paper (a paper batch names the hub session it came from)."""
