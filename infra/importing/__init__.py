"""`oms import`: a retailer's legacy orders, from a file into the OMS, each exactly once.

readers (canonical_csv, shopify_export, jsonl; grouping) turn lines into candidate orders;
tidying applies cleaning's rules; checking validates by the canonical contract; run
receives the good ones through oms.intake and writes every problem to the report.
"""
