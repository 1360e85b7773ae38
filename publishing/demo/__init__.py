"""The demo data set of the product brief, loaded by ``manage.py seed_demo`` (and so by ``make run``):
``inspections`` loads the forces' programmes, people, inspections and their records; ``reports`` their
reports in every state, the 2015 and 2016 ones published. It lives at the top of the apps it fills."""
