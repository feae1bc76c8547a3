"""Conversation before the vote and news after it: supports, comments, follows and the mail they
send. This area sits above voting (it asks who is eligible and who has taken part) and below
results, delivery and the panel, which call it when something happens worth hearing about."""
