"""authentication.k8s.io/v1 SelfSubjectReview: who the user is (kubectl auth whoami)"""

from k9lite.demo.kinds.reviews import review_strategy

STRATEGY = review_strategy("authentication.k8s.io", "SelfSubjectReview", "selfsubjectreviews")
