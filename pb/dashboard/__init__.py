"""The public "goes local" dashboard: where the council's devolved money goes."""
