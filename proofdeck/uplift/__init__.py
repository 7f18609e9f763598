"""What an action changes, from a past campaign in the data (a spec's ``[uplift]``).

``outcome`` says who got the action and who ended as it hopes; ``estimate`` measures any
ranking on the held-out rows of the campaign: the uplift (Qini) curve, and the changed
outcomes, money and four groups of a policy at a budget, with bootstrap intervals.
The two models (T-learner) that rank by the action's effect are fitted in
:mod:`proofdeck.model.two_models`. Imports only ``data`` and ``decisions``; never streamlit.
"""
