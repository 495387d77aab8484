"""Prioritised screening: rank the records a reviewer has not screened yet by
predicted relevance (`model`, `order`), measure how well a ranking does on a
labelled set (`metrics`, `simulate`, `datasets`), and say when stopping is
statistically safe (`stopping`). Pure: no SQL, no UI; scikit-learn is imported
only when a model is built, so start-up does not pay for it."""
