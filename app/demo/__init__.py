"""The demo college (`flask journal demo`): a realistic, reproducible college for trying the
portal; not a rule of the regulation."""
