;; Locals (see grammars/python/locals.scm for the capture names).

[
  (translation_unit)
  (function_definition)
  (compound_statement)
  (for_statement)
] @local.scope

(function_declarator declarator: (identifier) @local.definition.outer)

(parameter_declaration declarator: (identifier) @local.definition)
(parameter_declaration declarator: (pointer_declarator declarator: (identifier) @local.definition))
(init_declarator declarator: (identifier) @local.definition)
(init_declarator declarator: (pointer_declarator declarator: (identifier) @local.definition))
(declaration declarator: (identifier) @local.definition)
