"""Experiments on the model: runs, sweeps, validation, ablation, calibration, sensitivity
and the generated documents.

Each module here calls the public run function (:func:`ecosim.experiments.run.run_scenario`)
and reads result tables; none imports mechanism internals. Keep this file free of imports
so that loading one experiment does not load the others.
"""
