"""Experiments on the model: sweeps, validation, ablation and sensitivity.

Each module here calls the public run function (:func:`ecosim.run.run_scenario`) and reads
result tables; none imports mechanism internals. Keep this file free of imports so that
loading one experiment does not load the others.
"""
