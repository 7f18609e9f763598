"""The app's pages, in story order: one list the sidebar, the next-step buttons and links read.

It lives apart from the shell so that page parts can link to pages without importing the
shell (which imports presentation mode, which draws page parts).
"""

# (script, label, icon): the navigation, in story order.
PAGES = [
    ("app.py", "The pitch", ":material/campaign:"),
    ("pages/1_Decide.py", "Decide", ":material/tune:"),
    ("pages/2_Examples.py", "Examples", ":material/person_search:"),
    ("pages/3_Compare.py", "Rule vs model", ":material/compare_arrows:"),
    ("pages/4_Your_data.py", "Your data", ":material/upload_file:"),
    ("pages/5_Share.py", "Share", ":material/share:"),
]
