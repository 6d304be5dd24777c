; inherits: c
;; Locals (see grammars/python/locals.scm for the capture names): C's, plus range loops and lambdas.

[
  (for_range_loop)
  (lambda_expression)
] @local.scope

(for_range_loop declarator: (identifier) @local.definition)
(parameter_declaration declarator: (reference_declarator (identifier) @local.definition))
