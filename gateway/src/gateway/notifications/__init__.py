"""Notifications (issue 13, item 3): people are told, in the hub and by email, what needs them.

domain.py holds the rules (the kinds, who is told of what, the email choices); store.py records each notification
once per source and recipient and sends the email owed through gateway/mail.py; events.py turns the events the
services publish into notifications, applied by the gateway's notifications worker (`python -m gateway.notifications
worker`: hubkit's idempotent consumer, its inbox and offsets in the gateway's database); views.py is the in-app list
(/notifications) and each person's email choices.
"""
