"""Learning a repository: mine training examples, fine-tune a LoRA adapter, evaluate it before and after."""
