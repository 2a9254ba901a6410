"""Run outputs: result.json, junit.xml and the HTML reports."""
