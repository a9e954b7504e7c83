"""The domain of 年报: the official form, reports, checks, import, store and output. No Qt here."""
