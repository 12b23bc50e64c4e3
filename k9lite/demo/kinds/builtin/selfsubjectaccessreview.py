"""authorization.k8s.io/v1 SelfSubjectAccessReview: may the user do this? (kubectl auth can-i)"""

from k9lite.demo.kinds.reviews import review_strategy

STRATEGY = review_strategy(
    "authorization.k8s.io", "SelfSubjectAccessReview", "selfsubjectaccessreviews"
)
