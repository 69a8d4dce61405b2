"""Validation of the workflow configuration, before any job runs.

Every problem is reported together, in one pass, one line each, naming the key
path, the offending value and the rule. The layers, in order:

0. the config files themselves (:func:`config_file_errors`): valid YAML, no key
   written twice in one mapping (PyYAML and Snakemake silently keep the last);
1. structure that no later layer can digest: keys that are not strings (YAML
   reads ``yes``/``no``/``on``/``off`` as booleans, ``~`` as null, ``123`` as a
   number) and non-finite numbers (``.nan``, ``.inf``, ``-.inf``) anywhere;
2. the JSON schema ``workflow/schemas/config.schema.yaml`` (types, ranges,
   allowed keys, name patterns and lengths), with a "did you mean" hint for typos;
3. cross-field rules the schema cannot express (``start < stop``, a resolvable
   gap and a single-pocket Fermi surface at the paper's mu of Fig. 2b and at
   the paper's point of Figs. 4b-6, which is computed once by the same
   library functions as the jobs, so a value that would stop a job stops here);
4. the physics of every sweep (:func:`triplon.studies.sweeps.grid.validate_sweep`)
   and of the experiments and fits
   (:func:`triplon.studies.experiment.catalogue.validate_experiments`).

Only input that no later layer could digest stops early: a config file that is
not bounded YAML (a syntax error, a size or depth bomb, a template) and a key
that is not a string. Otherwise layers 3 and 4 run on every subtree that passed
layers 1 and 2 (with the unknown keys, already reported, left out): a rule is
skipped only for a subtree holding an error, so it never reads a wrong type,
and an error never hides one under another key. The paper's point is solved
only when everything it reads is valid.

:func:`config_errors` never raises on any YAML-representable input: it only
returns messages (tested by property-based fuzz tests).
"""

from triplon.config.checks import config_errors, validate_config
from triplon.config.files import ConfigError, config_file_errors, yaml_text_errors

__all__ = ["ConfigError", "config_errors", "config_file_errors", "validate_config", "yaml_text_errors"]
