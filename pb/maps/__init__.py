"""Maps residents can use with or without JavaScript: proposals, funded projects, wards."""
