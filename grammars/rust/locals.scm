;; Locals (see grammars/python/locals.scm for the capture names).

[
  (source_file)
  (function_item)
  (closure_expression)
  (block)
  (for_expression)
  (match_arm)
  (if_expression)
  (while_expression)
] @local.scope

(function_item name: (identifier) @local.definition.outer)

(parameter pattern: (identifier) @local.definition)
(let_declaration pattern: (identifier) @local.definition)
(mut_pattern (identifier) @local.definition)
(tuple_pattern (identifier) @local.definition)
(closure_parameters (identifier) @local.definition)
(for_expression pattern: (identifier) @local.definition)
(tuple_struct_pattern (identifier) @local.definition)
(match_pattern (identifier) @local.definition)
(use_as_clause alias: (identifier) @local.definition)

(tuple_struct_pattern type: (identifier) @local.member)
(use_as_clause path: (identifier) @local.member)
