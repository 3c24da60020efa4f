"""Tasks queue: phone_call and home_visit steps become tasks for consultants."""
from step_consumer import make_handler

lambda_handler = make_handler()
