"""The application layer: what the entry points (service.api and its routes, service.web, service.cli)
ask for, and the only thing they ask. Below it are the domain packages (corpus, extractors, checks,
indices), which never import it."""
