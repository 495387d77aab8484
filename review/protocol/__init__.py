"""The review protocol: its models (`models`), the cross-field rules
(`rules`) and the loader that reports every problem with file:line:field
(`loader`)."""
