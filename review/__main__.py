"""`python -m review` runs the command line."""

from review.entry import main

main()
