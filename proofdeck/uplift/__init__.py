"""What an action changes, from a past campaign in the data (a spec's ``[uplift]``).

``learner`` fits the two-model (T-learner) estimate of each example's change; ``estimate``
measures any ranking on the held-out rows of the campaign: the uplift (Qini) curve, and the
changed outcomes, money and four groups of a policy at a budget, with bootstrap intervals.
Never imports streamlit.
"""
