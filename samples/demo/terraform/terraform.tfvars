environment   = "demo"
partner_cidrs = ["198.51.100.0/24"]
