;; Locals (see grammars/python/locals.scm for the capture names).

[
  (chunk)
  (function_declaration)
  (function_definition)
  (for_statement)
  (while_statement)
  (repeat_statement)
  (do_statement)
] @local.scope

(function_declaration name: (identifier) @local.definition.outer)

(parameters name: (identifier) @local.definition)
(variable_declaration (assignment_statement (variable_list name: (identifier) @local.definition)))
(variable_declaration (variable_list name: (identifier) @local.definition))
(for_generic_clause (variable_list name: (identifier) @local.definition))
(for_numeric_clause name: (identifier) @local.definition)

(dot_index_expression field: (identifier) @local.member)
(method_index_expression method: (identifier) @local.member)
