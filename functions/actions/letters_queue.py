"""Letters queue: letter and e-mail steps (a Dutch PDF letter in S3, the same text by SES)."""
from step_consumer import make_handler

lambda_handler = make_handler()
